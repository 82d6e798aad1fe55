/**
 * Environment for a process that runs models. Freed intermediates of a few MB otherwise stay in glibc's heaps
 * (its mmap threshold climbs to 32 MB), which costs about one weight size of RSS; glibc reads it at start-up only.
 * It lives apart from the session code so that processes which only start model processes never load onnxruntime.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '1048576' };
