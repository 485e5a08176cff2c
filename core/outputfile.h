#pragma once

#include <QString>

// Where --record and --stats write: "-" is stdout (not ours to close), any other path a
// file created or emptied.
struct OutputDescriptor
{
    int descriptor = -1; // -1: could not be opened
    bool owned = false;  // close() it when done
};

// On failure, *systemError (if given) gets the system's words for why.
OutputDescriptor openOutput(const QString &path, QString *systemError);
