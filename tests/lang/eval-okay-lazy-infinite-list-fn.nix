# a lazily self-referential structure is fine if only a prefix is used
let nums = n: { head = n; tail = nums (n + 1); }; in (nums 0).tail.tail.head
