#include "processusage.h"

#include <cstdio>
#include <cstring>

#include <dirent.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

qint64 residentSetBytes()
{
    // statm: size resident shared text lib data dt, in pages.
    std::FILE *file = std::fopen("/proc/self/statm", "re");
    if (!file)
        return -1;
    long long size = 0;
    long long resident = 0;
    const int fields = std::fscanf(file, "%lld %lld", &size, &resident);
    std::fclose(file);
    if (fields != 2)
        return -1;
    return qint64(resident) * qint64(::sysconf(_SC_PAGESIZE));
}

int openDescriptorCount()
{
    // Since Linux 6.2 the size of /proc/self/fd is the number of open descriptors: one
    // stat() instead of a listing, which with ten thousand connections took tens of
    // milliseconds of the event loop every second.
    struct stat status
    {};
    if (::stat("/proc/self/fd", &status) == 0 && status.st_size > 0)
        return int(status.st_size);
    return openDescriptorCountByListing();
}

int openDescriptorCountByListing()
{
    DIR *directory = ::opendir("/proc/self/fd");
    if (!directory)
        return -1;
    int count = 0;
    while (const dirent *entry = ::readdir(directory)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            ++count;
    }
    ::closedir(directory);
    // The listing itself had a descriptor open: not one of ours.
    return count - 1;
}

void preferMappedLargeBlocks()
{
    ::mallopt(M_MMAP_THRESHOLD, int(LargeBlockBytes));
}
