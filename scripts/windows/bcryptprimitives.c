/*
 * A stand-in bcryptprimitives.dll for the Wine test harness only (never
 * shipped). Go >= 1.22 programs on Windows take their random numbers from
 * ProcessPrng in bcryptprimitives.dll, which every supported Windows has but
 * Wine 8 (Debian 12) lacks, so no Go program starts there. This DLL exports
 * ProcessPrng and forwards it to advapi32's SystemFunction036 (RtlGenRandom).
 * scripts/test-windows.sh builds it with mingw-w64 and copies it into the
 * throwaway Wine prefix.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
