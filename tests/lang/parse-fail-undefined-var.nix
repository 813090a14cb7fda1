# a name that is not bound anywhere is rejected before evaluation
undefinedName
