# or also applies when an intermediate value is not a set
{ a = 1; }.a.b or "default"
