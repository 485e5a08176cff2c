#pragma once

#include <QLabel>

// A one-line label that asks for room for its whole text but makes do with less: what
// does not fit ends in "…" instead of widening the window. The status bar's totals grow
// with the traffic; on a 1024-pixel projector with a big font they must not push the
// window off the screen. text() is always the whole text.
class ElidedLabel : public QLabel
{
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    QSize minimumSizeHint() const override;
    // The text as painted now: whole, or cut with "…".
    QString shownText() const;

protected:
    void paintEvent(QPaintEvent *event) override;
};
