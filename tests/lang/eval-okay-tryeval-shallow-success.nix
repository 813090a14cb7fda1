# tryEval only evaluates to weak head normal form
(builtins.tryEval [ (throw "inner") ]).success
