# multiplication of large integers that still fits in 64 bits
3037000499 * 3037000499
