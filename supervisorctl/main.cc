// TEMPORARY: the supervisorctl helper replaces this.
#include <cstdio>
int main() { std::puts("supervisorctl: not yet"); return 0; }
