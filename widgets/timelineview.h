#pragma once

#include "connectiontimeline.h"

#include <QPointer>
#include <QWidget>

class QAbstractScrollArea;
class QComboBox;
class CountLabel;
class TimelineDiagram;

// The connection timeline: a sequence diagram of one connection, chosen in a combo box.
// This app's socket is the left lane, the peer the right one, time runs down; each step
// is a row: the handshake (dashed, "by the OS": the app never sees those packets), every
// send and read as an arrow with its size and first bytes, FIN and RST. Painted by hand,
// only the visible rows, and repainted when the model announces a change (at most every
// ConnectionTimeline::NotifyIntervalMs), so a flood costs the view a steady frame rate.
// It follows the newest step while the reader is at the bottom.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineView(QWidget *parent = nullptr);
    ~TimelineView() override;

    // The model drawn; nullptr shows a hint. The view does not own it.
    void setModel(ConnectionTimeline *model);
    ConnectionTimeline *model() const { return m_model; }
    // The connection drawn (a key of the model), or -1 for none. The first connection a
    // model gets is chosen by itself; after that only the reader (or this call) chooses.
    void setConnection(int key);
    int currentConnection() const { return m_key; }
    // Presentation mode thickens lines (1.0 = normal); the font gives every other size.
    void setLineWidthScale(qreal scale);
    qreal lineWidthScale() const;
    // Presentation mode's strongest colours and bold traffic, as in the log.
    void setHighContrast(bool on);
    bool highContrast() const;

    // The painted diagram, its number of rows, whether it keeps the newest row in view,
    // and the hint it shows instead of a diagram (empty while it draws one).
    QAbstractScrollArea *diagram() const;
    int rowCount() const;
    bool isFollowingEnd() const;
    QString hintText() const;

    // The words of one row, as drawn: "send() → 12 bytes  b'Hello world!'".
    static QString entryText(const TimelineEntry &entry, SessionKind kind);
    // What the row means in the lesson's terms, for its tooltip.
    static QString entryToolTip(const TimelineEntry &entry, SessionKind kind);

signals:
    void currentConnectionChanged(int key);

private:
    void updateChooser();
    void updateDroppedLabel();

    QPointer<ConnectionTimeline> m_model;
    QComboBox *m_chooser = nullptr;
    CountLabel *m_droppedLabel = nullptr;
    TimelineDiagram *m_diagram = nullptr;
    int m_key = -1;
    // Until a connection has been shown, the first one that comes is chosen by itself.
    bool m_autoSelect = true;
};
