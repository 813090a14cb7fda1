# two rec attributes defined through each other
(rec { a = b; b = a; }).a
