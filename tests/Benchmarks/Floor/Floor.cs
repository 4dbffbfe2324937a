// The smallest .NET program: the runtime starts, runs this, and exits.
return 0;
