; Every method: the check reads what its summary says of the channel
; operations it performs on the receiver's fields while holding one of the
; receiver's mutexes, and what the other methods of the type do on the
; other side of those channels; and the `Wait()` calls it makes while
; holding a mutex, against the `Done`, `Signal` and `Broadcast` calls on
; the other side.
(method_declaration) @report
