#pragma once

#include "blockqueue.h"
#include "payloadcodec.h"
#include "trafficevent.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <vector>

// The traffic log: one row per traffic event, newest last, for a QTableView.
//
// Built for floods (STYLE.md, "The log model"): append() only queues the event; a 50 ms
// single-shot timer (or flush()) inserts the queued batch with one beginInsertRows(), then
// drops the oldest rows with one beginRemoveRows() when over budget. Cell text is made in
// data(), for the rows a view asks about.
//
// Memory is bounded by two budgets: rows (default 100,000) and payload bytes (default
// 64 MiB). A row also costs about 150 bytes besides its payload (tests/bench/bench_logmodel
// measured 220 bytes of RSS per row of 64 bytes), so the defaults hold at most about 80 MiB,
// plus the queue: one batch, which append() flushes early once it is over the row budget
// or a quarter of the byte budget.
// The newest row is always kept, even if its payload alone is over the byte budget: a
// 16 MiB read still shows up until the next event pushes it out.
class TrafficLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Direction, Connection, Peer, Size, Data, ColumnCount };
    Q_ENUM(Column)

    // Raw values for filters and delegates; the same in every column.
    enum Role {
        EventTypeRole = Qt::UserRole + 1, // int(EventType)
        SessionRole,                      // int, the session's id
        SessionKindRole,                  // int(SessionKind)
        ConnectionRole,                   // int, the connection's id; 0 = none
        PayloadRole,                      // QByteArray, the bytes sent or received
        TimeRole,                         // qint64, milliseconds since the epoch (UTC)
    };
    Q_ENUM(Role)

    static constexpr int DefaultRowBudget = 100'000;
    static constexpr qint64 DefaultByteBudget = 64 * 1024 * 1024;

    explicit TrafficLogModel(QObject *parent = nullptr);
    ~TrafficLogModel() override;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    // Text is made here, per request. Qt::ToolTipRole gives the Data column's longer text
    // (up to 2048 characters); Qt::TextAlignmentRole right-aligns Size.
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section,
                        Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Queues an event; it becomes a row at the next flush (at most ~50 ms later).
    void append(const TrafficEvent &event);
    void append(TrafficEvent &&event);
    // Inserts the queued events now and trims to the budgets (tests, shutdown, export).
    void flush();
    // Removes every row and queued event. Resets trimmedRows(), not the session totals.
    // Not from a slot connected to this model's row signals.
    void clear();

    // The event shown in a row; row must be in [0, rowCount()).
    const TrafficEvent &eventAt(int row) const;

    // How the Data column shows payloads; changing it refreshes only that column.
    void setDisplayMode(DisplayMode mode);
    DisplayMode displayMode() const { return m_displayMode; }

    // Lowering a budget trims at once. Values below 1 row / 0 bytes are raised to that.
    void setRowBudget(int rows);
    int rowBudget() const { return m_rowBudget; }
    void setByteBudget(qint64 bytes);
    qint64 byteBudget() const { return m_byteBudget; }

    // Session totals, counted when an event is appended: trimming and clear() keep them.
    qint64 totalEvents() const { return m_totalEvents; }
    qint64 bytesIn() const { return m_bytesIn; }
    qint64 bytesOut() const { return m_bytesOut; }
    qint64 readsIn() const { return m_readsIn; }   // Received events
    qint64 readsOut() const { return m_readsOut; } // Sent events

    // Events dropped to stay within budget since the last clear(), queued ones included;
    // views show it as "N older rows trimmed".
    qint64 trimmedRows() const { return m_trimmedRows; }
    // Payload bytes held by the rows (not counting queued events).
    qint64 payloadBytes() const { return m_rowBytes; }

signals:
    void trimmedRowsChanged(qint64 trimmedRows);
    void displayModeChanged(DisplayMode mode);

private:
    void enqueue(TrafficEvent &&event);
    QString dataText(const TrafficEvent &event, int maxChars) const;
    QString payloadText(const TrafficEvent &event, int maxChars) const;

    BlockQueue<TrafficEvent> m_rows;     // row i is m_rows[i]
    std::vector<TrafficEvent> m_pending; // appended, not yet rows; oldest first
    qint64 m_rowBytes = 0;
    qint64 m_pendingBytes = 0;
    QTimer m_flushTimer;
    bool m_flushing = false;

    int m_rowBudget = DefaultRowBudget;
    qint64 m_byteBudget = DefaultByteBudget;
    DisplayMode m_displayMode = DisplayMode::PythonBytes; // the lesson prints b'...'

    qint64 m_totalEvents = 0;
    qint64 m_bytesIn = 0;
    qint64 m_bytesOut = 0;
    qint64 m_readsIn = 0;
    qint64 m_readsOut = 0;
    qint64 m_trimmedRows = 0;
};
