// TEMPORARY: the core helper replaces this with the real daemon entry point.
#include <cstdio>
int main() { std::puts("supervisord: not yet"); return 0; }
