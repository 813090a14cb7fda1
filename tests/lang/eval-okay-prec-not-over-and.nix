# ! binds tighter than &&
!false && false
