# a default that refers to an undefined name is rejected even if unused
({ a ? b }: a) { }
