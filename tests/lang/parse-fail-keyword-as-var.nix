# a keyword cannot be bound as a name
let if = 1; in if
