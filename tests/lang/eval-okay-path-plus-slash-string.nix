# path + "/x" adds a component
baseNameOf (./a + "/x")
