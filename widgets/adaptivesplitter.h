#pragma once

#include <QSplitter>

// A splitter that puts its two sides one above the other when they do not fit side by
// side: the server's connection list and log share a 1024-pixel projector at presentation
// size with the lesson views, where side by side they would push the window off screen.
// Its minimum width is the narrower arrangement's, so the window can always shrink to it.
class AdaptiveSplitter : public QSplitter
{
    Q_OBJECT

public:
    explicit AdaptiveSplitter(QWidget *parent = nullptr);

    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    // The width the sides need next to each other.
    int sideBySideWidth() const;
    void chooseOrientation(int width);
};
