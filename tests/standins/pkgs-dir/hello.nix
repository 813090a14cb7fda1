{ greeting }: { kind = "hello"; inherit greeting; }
