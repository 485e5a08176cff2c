#pragma once

#include <QFont>
#include <QLatin1String>
#include <QString>
#include <QWidget>

// Marks an input field whose text cannot be used (a red border, the reason being shown
// elsewhere) or unmarks it. A style sheet re-polishes the widget, so it is only set when
// the state really changes, not at every keystroke.
inline void markInvalid(QWidget *field, bool invalid)
{
    const QString sheet = invalid ? QLatin1String(field->metaObject()->className())
                                        + QStringLiteral(" { border: 2px solid #b00020; }")
                                  : QString();
    if (field->styleSheet() == sheet)
        return;
    field->setStyleSheet(sheet);
    // A widget that ever had a style sheet keeps Qt::WA_StyleSheet, and Qt then stops
    // handing it its parent's font changes: presentation mode's larger font would no
    // longer reach it. Unmarked, it is a plain widget again and follows its parent.
    if (!invalid) {
        field->setAttribute(Qt::WA_StyleSheet, false);
        field->setFont(QFont());
    }
}
