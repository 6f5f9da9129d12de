;;; test.el --- Eglot runs gohint; its "Explain <rule>" code action is answered by the README's snippet  -*- lexical-binding: t -*-
;;
;;   GOHINT_BIN=target/release/gohint emacs --batch -l editors/emacs/test.el
;;
;; Loads the elisp block of editors/README.md that defines `gohint-explain',
;; starts Eglot with gohint on a Go file, picks "Explain double-close" from
;; `eglot-code-actions' and checks the explanation buffer.  Prints one
;; "ok"/"not ok" line per step and "eglot: N passed, N failed".

(require 'cl-lib)
(require 'eglot)
(require 'go-mode)

(defvar gohint-test-passed 0)
(defvar gohint-test-failed 0)
(defconst gohint-test-question "What issues can arise with a closed channel?")
(defconst gohint-test-here (file-name-directory (or load-file-name buffer-file-name)))

(defun gohint-test-finish ()
  (princ (format "eglot: %d passed, %d failed\n" gohint-test-passed gohint-test-failed))
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (kill-emacs (if (zerop gohint-test-failed) 0 1)))

(defmacro gohint-test-step (name &rest body)
  "Runs BODY as step NAME; the first failure ends the run."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (setq gohint-test-passed (1+ gohint-test-passed))
              (princ (format "ok - %s\n" ,name)))
     (error
      (setq gohint-test-failed (1+ gohint-test-failed))
      (princ (format "not ok - %s\n  %S\n" ,name err))
      (gohint-test-finish))))

(defun gohint-test-wait (what pred)
  "Waits up to 20 s for PRED, else signals an error naming WHAT."
  (let ((deadline (+ (float-time) 20)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall pred)
      (error "timed out waiting for %s" what))))

(defun gohint-test-readme-block (marker)
  "The elisp block of editors/README.md that contains MARKER."
  (with-temp-buffer
    (insert-file-contents (expand-file-name "../README.md" gohint-test-here))
    (goto-char (point-min))
    (let (found)
      (while (and (not found) (re-search-forward "^```elisp\n" nil t))
        (let* ((start (point))
               (end (progn (re-search-forward "^```$") (match-beginning 0)))
               (text (buffer-substring-no-properties start end)))
          (when (string-match-p (regexp-quote marker) text)
            (setq found text))))
      (or found (error "no elisp block with %s in editors/README.md" marker)))))

(let* ((bin (expand-file-name (or (getenv "GOHINT_BIN") (executable-find "gohint"))))
       (dir (make-temp-file "gohint-eglot" t))
       (file (expand-file-name "example.go" dir)))
  ;; The snippet runs `gohint' from PATH, as a user's would.
  (setenv "PATH" (concat (file-name-directory bin) path-separator (getenv "PATH")))
  (setq exec-path (cons (file-name-directory bin) exec-path))
  (with-temp-file (expand-file-name "go.mod" dir) (insert "module example.com/e\n\ngo 1.22\n"))
  (with-temp-file file
    (insert "package e\n\nfunc f(ch chan int) {\n\tclose(ch)\n\tclose(ch)\n}\n"))
  (let ((default-directory dir)) (call-process "git" nil nil nil "init" "-q"))

  (gohint-test-step "the README's explain snippet loads"
    (with-temp-buffer
      (insert (gohint-test-readme-block "defun gohint-explain"))
      (eval-buffer))
    (unless (fboundp 'gohint-explain) (error "gohint-explain is not defined")))

  (gohint-test-step "Eglot starts gohint on a Go file and gets its diagnostics"
    (add-to-list 'eglot-server-programs `((go-mode) . (,bin)))
    (find-file file)
    (go-mode)
    (eglot-ensure)
    (run-hooks 'post-command-hook)
    (gohint-test-wait "the server" #'eglot-current-server)
    (gohint-test-wait "a diagnostic"
                      (lambda () (cl-some (lambda (d) (string-match-p "double-close" (flymake-diagnostic-text d)))
                                          (flymake-diagnostics)))))

  (gohint-test-step "the Explain code action shows gohint --explain in a buffer"
    (goto-char (point-min))
    (forward-line 4)
    (forward-char 2)
    (let ((last-nonmenu-event ?\r))
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (_prompt items &rest _)
                   (or (cl-find "Explain double-close" (mapcar #'car items) :test #'equal)
                       (error "no Explain action among %S" (mapcar #'car items))))))
        (eglot-code-actions (point) (point) nil t)))
    (gohint-test-wait "the explanation buffer" (lambda () (get-buffer "*gohint explain*")))
    (with-current-buffer "*gohint explain*"
      (unless (string-match-p (regexp-quote gohint-test-question) (buffer-string))
        (error "the explanation lacks the question: %s" (buffer-string)))))

  (gohint-test-finish))
