{ greeting, answer ? 42 }: { kind = "deep"; inherit greeting answer; }
