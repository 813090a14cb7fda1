# inherit from a set that lacks the attribute
let inherit ({ }) a; in a
