# interpolating a path to a missing file fails when copying it
"${./no-such-file}"
