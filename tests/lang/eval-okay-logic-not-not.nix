# double negation
!!true
