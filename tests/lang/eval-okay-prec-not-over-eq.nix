# ! binds tighter than ==
!true == false
