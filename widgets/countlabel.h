#pragma once

#include <QLabel>

// A one-line label for a count that follows the traffic ("12,345 older rows trimmed"),
// which may change at every flush of a flood.
//
// QLabel::setText() asks every layout above it to recompute (updateGeometry()); a layout
// passes the request up however little changed, and a QTabWidget answers it by repainting
// its whole page. A flood into a server tab repainted the entire panel, every button and
// list included, about 40 times a second that way. QWidget::updateGeometry() asks nothing
// of a widget whose minimum and maximum sizes are equal, so this label keeps a fixed size
// and changes it only when its text needs more room, or is shorter than before. Not for
// word-wrapped text.
class CountLabel : public QLabel
{
    Q_OBJECT

public:
    explicit CountLabel(QWidget *parent = nullptr);

    // Sets the text; the layouts hear of it only when the label needs more room or the text
    // has fewer characters than before. (QLabel::setText() would keep the size as it was.)
    void setCountText(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void fitToText(bool mayShrink);
};
