# inherit (e) copies attributes of e
let s = { x = 1; y = 2; z = 3; }; in { inherit (s) x z; }
