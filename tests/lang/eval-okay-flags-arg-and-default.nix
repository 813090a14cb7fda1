# --arg overrides a default while other defaults stay
{ a ? 1, b ? 2 }: [ a b ]
