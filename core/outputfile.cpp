#include "outputfile.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

OutputDescriptor openOutput(const QString &path, QString *systemError)
{
    if (path == QLatin1String("-"))
        return {STDOUT_FILENO, false};
    const int descriptor = ::open(QFile::encodeName(path).constData(),
                                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                  0644);
    if (descriptor < 0) {
        if (systemError)
            *systemError = QString::fromLocal8Bit(std::strerror(errno));
        return {};
    }
    return {descriptor, true};
}
