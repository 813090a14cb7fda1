# // with empty sets on both sides
({ } // { a = 1; }) // { }
