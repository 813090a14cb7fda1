# ? binds tighter than !
!{ a = 1; } ? b
