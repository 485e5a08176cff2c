#pragma once

#include <QFont>
#include <QFontDatabase>

// The system's monospace font at the size of `font`: data, code and hex line up in
// columns, and still grow with the window's font in presentation mode (a widget's own
// font does not follow the application font once set, so callers redo this on
// QEvent::FontChange).
inline QFont monospaceFontLike(const QFont &font)
{
    QFont monospace = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (font.pointSizeF() > 0)
        monospace.setPointSizeF(font.pointSizeF());
    else
        monospace.setPixelSize(font.pixelSize());
    return monospace;
}
