#pragma once

#include "socketmapmodel.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <vector>

class QPainter;

// The socket map: a session's listening (or bound UDP) socket on the left, each
// connection's own socket in a column, a line to its peer on the right, and a pulse along
// the line when bytes move. Painted by hand: 200 boxes and lines are cheap, and a single
// timer animates every pulse, running only while one is alive, so an idle map costs
// nothing.
class SocketMapView : public QWidget
{
    Q_OBJECT

public:
    // Long enough to see on a projector, short enough that a burst reads as a burst.
    static constexpr int PulseDurationMs = 400;

    explicit SocketMapView(QWidget *parent = nullptr);

    // The model drawn; nullptr shows a hint. The view does not own it.
    void setModel(SocketMapModel *model);
    SocketMapModel *model() const { return m_model; }
    // Presentation mode thickens lines and pulses (1.0 = normal).
    void setLineWidthScale(qreal scale);
    qreal lineWidthScale() const { return m_lineWidthScale; }
    // Whether a pulse is moving, so the frame timer runs.
    bool isAnimating() const { return m_pulseTimer.isActive(); }

    // Where the listening socket, a node's own socket and its peer are drawn at the
    // current size (empty when not drawn: hidden as "+N more", or no such box).
    QRectF listenerRect() const;
    QRectF socketRect(int nodeIndex) const;
    QRectF peerRect(int nodeIndex) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Pulse
    {
        qint64 startMs = 0;
        bool outgoing = false;
    };

    // Where everything goes, from the model, the size and the font: one place for painting
    // and for the tests that check nothing overlaps in a narrow side panel.
    struct Layout
    {
        struct Row
        {
            int node = 0;
            QRectF socket;
            QRectF peer;
        };
        qreal line = 0; // 0: nothing to draw
        qreal margin = 0;
        qreal padding = 0;
        bool udp = false;
        bool twoLines = true;
        bool showLocal = false;
        bool shortNames = false;  // "#1" for "#1 socket" in a very narrow panel
        bool countsInBox = false; // bytes each way under the socket's name
        QRectF listener;
        QString listenerTitle;
        QString listenerDetail;
        qreal trunkX = 0;
        qreal rowsTop = 0;
        qreal rowHeight = 0;
        int hidden = 0;
        QFont rowFont;
        std::vector<Row> rows;
    };
    Layout computeLayout() const;
    static QString socketName(const SocketMapNode &node, const Layout &layout);

    void startPulse(int nodeIndex, bool outgoing);
    void advancePulses();
    void paintHint(QPainter &painter);
    static quint64 pulseKey(const SocketMapNode &node);

    QPointer<SocketMapModel> m_model;
    QHash<quint64, Pulse> m_pulses;
    QTimer m_pulseTimer;
    QElapsedTimer m_clock;
    qreal m_lineWidthScale = 1.0;
};
