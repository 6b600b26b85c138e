/* A stand-in for Windows 10's bcryptprimitives.dll, which Wine 8 does not
 * have. Go's runtime (1.24+) gets its random bytes from ProcessPrng there;
 * this one asks advapi32's RtlGenRandom (SystemFunction036) instead.
 * Only for running Go test binaries under Wine: scripts/wine-test.sh. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        /* RtlGenRandom takes a ULONG; feed it in pieces. */
        ULONG piece = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, piece))
            return FALSE;
        data += piece;
        length -= piece;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
