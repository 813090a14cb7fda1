# ++ binds tighter than //, which applies to its result's neighbours
({ a = [ 1 ] ++ [ 2 ]; } // { b = [ 3 ] ++ [ ]; })
