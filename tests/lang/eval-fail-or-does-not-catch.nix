# or does not catch errors raised by the attribute's value
{ a = throw "inside"; }.a or 1
