# negation of true
!true
