# builtins.elem forces the list before the element.
builtins.elem (throw "element forced first") (throw "list forced first")
