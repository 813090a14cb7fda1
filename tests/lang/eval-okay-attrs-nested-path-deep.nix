# a long attribute path
{ x.y.z.w = "deep"; }.x.y.z.w
