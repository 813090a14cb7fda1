# ! of a non-Boolean
!1
