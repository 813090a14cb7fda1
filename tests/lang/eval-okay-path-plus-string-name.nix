# path + string appends the text to the last component
baseNameOf (./a + "b")
