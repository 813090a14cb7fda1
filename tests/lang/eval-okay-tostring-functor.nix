# toString of a set with __toString
toString { __toString = self: "custom"; }
