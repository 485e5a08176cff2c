#include "trafficlogmodel.h"

#include <QDateTime>
#include <QScopedValueRollback>

#include <utility>

namespace {

// A flood should still repaint about 20 times a second (Konsole's bufferedUpdate() caps at
// 40 ms), and each flush costs the view a few ms (STYLE.md measured 4.6 ms per 1000-row
// update of a QTableView holding 1M rows), so batches are worth making large.
constexpr int FlushIntervalMs = 50;
// Enough for a wide column; displayPayload() stops there, so a 16 MiB read costs no more
// to show than a short one.
constexpr int DataColumnChars = 512;
// A tooltip shows more of the payload, but a screenful at most.
constexpr int ToolTipChars = 2048;
// A payload read into a big buffer and then truncated (recv(65536) returning 64 bytes)
// keeps the whole buffer alive. Rows are counted by size(), so such spare room would
// escape the byte budget: past this slack the bytes are copied into a tight array.
constexpr qsizetype MaxPayloadSlack = 64;

} // namespace

TrafficLogModel::TrafficLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &TrafficLogModel::flush);
}

TrafficLogModel::~TrafficLogModel() = default;

int TrafficLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficLogModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::ParentIsInvalid));
    if (!index.isValid())
        return QVariant();
    const TrafficEvent &event = m_rows[size_t(index.row())];

    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(event.msecsSinceEpoch)
                .time()
                .toString(QStringLiteral("hh:mm:ss.zzz"));
        case Direction:
            switch (event.type) {
            case EventType::Sent:
                return QStringLiteral("→");
            case EventType::Received:
                return QStringLiteral("←");
            default:
                return QStringLiteral("•");
            }
        case Connection:
            return event.connection > 0 ? QStringLiteral("#%1").arg(event.connection) : QString();
        case Peer:
            return event.peer.isNull() ? QString() : event.peer.toString();
        case Size:
            return carriesPayload(event.type) ? QVariant(event.size()) : QVariant();
        case Data:
            return dataText(event, DataColumnChars);
        case ColumnCount:
            break;
        }
        return QVariant();
    case Qt::ToolTipRole:
        return index.column() == Data ? dataText(event, ToolTipChars) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == Size ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                      : QVariant();
    case EventTypeRole:
        return int(event.type);
    case SessionRole:
        return event.session;
    case SessionKindRole:
        return int(event.kind);
    case ConnectionRole:
        return event.connection;
    case PayloadRole:
        return event.payload;
    case TimeRole:
        return event.msecsSinceEpoch;
    default:
        return QVariant();
    }
}

QVariant TrafficLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case Direction:
            return tr("→ sent by this side, ← received (one row per recv()), • an event");
        case Connection:
            return tr("The connection's number in this session (#1 is the first accepted)");
        case Size:
            return tr("Bytes sent or received in this one call");
        default:
            return QVariant();
        }
    }
    // The full names, for screen readers and for exported files' header lines.
    if (orientation == Qt::Horizontal && role == Qt::AccessibleTextRole) {
        if (section == Direction)
            return tr("Direction");
        if (section == Connection)
            return tr("Connection");
        return headerData(section, orientation, Qt::DisplayRole);
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Direction:
        return QString(); // the arrows speak for themselves; the tooltip names them
    case Connection:
        return tr("Conn");
    case Peer:
        return tr("Peer");
    case Size:
        return tr("Size");
    case Data:
        return tr("Data");
    case ColumnCount:
        break;
    }
    return QVariant();
}

void TrafficLogModel::append(const TrafficEvent &event)
{
    enqueue(TrafficEvent(event));
}

void TrafficLogModel::append(TrafficEvent &&event)
{
    enqueue(std::move(event));
}

// The hot path of a flood: counters and a move, no signals, no text.
void TrafficLogModel::enqueue(TrafficEvent &&event)
{
    if (event.payload.capacity() - event.payload.size() > MaxPayloadSlack)
        event.payload.squeeze();

    const qint64 size = event.size();
    ++m_totalEvents;
    if (event.type == EventType::Received) {
        ++m_readsIn;
        m_bytesIn += size;
    } else if (event.type == EventType::Sent) {
        ++m_readsOut;
        m_bytesOut += size;
    }
    m_pendingBytes += size;
    m_pending.push_back(std::move(event));

    // Started once per batch, not restarted: restarting would postpone the flush for as
    // long as a flood lasts.
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
    // A stalled event loop or a burst must not let the queue outgrow the budgets: flush
    // now. A quarter of the byte budget is enough for a batch: rows and queue then hold
    // about 1.25 times the byte budget, and a flood's oldest rows are freed as it goes, so
    // the memory it fills is memory it already had (first touches of new pages were a
    // fifth of a flood's cost; bash scripts/bench.sh, B1).
    if (!m_flushing
        && (qsizetype(m_pending.size()) > m_rowBudget || m_pendingBytes > m_byteBudget / 4)) {
        flush();
    }
}

void TrafficLogModel::flush()
{
    // A slot connected to our row signals may append; it must not start a nested flush
    // between our insert and our remove. Its events wait for the timer.
    if (m_flushing)
        return;
    const QScopedValueRollback<bool> flushing(m_flushing, true);
    m_flushTimer.stop();

    // Count the oldest events that must go, looking at the rows first and then at the
    // queue, so that queued events that would not survive are never inserted.
    const size_t rowCount = m_rows.size();
    size_t kept = rowCount + m_pending.size();
    qint64 keptBytes = m_rowBytes + m_pendingBytes;
    size_t droppedRows = 0;
    size_t droppedPending = 0;
    while (kept > 1 && (kept > size_t(m_rowBudget) || keptBytes > m_byteBudget)) {
        if (droppedRows < rowCount)
            keptBytes -= m_rows[droppedRows++].size();
        else
            keptBytes -= m_pending[droppedPending++].size();
        --kept;
    }

    // Take the queue out before any signal, so that appends from slots go to a new one.
    std::vector<TrafficEvent> batch;
    batch.swap(m_pending);
    m_pendingBytes = 0;
    m_rowBytes = keptBytes;
    m_trimmedRows += qint64(droppedRows + droppedPending);

    const size_t inserted = batch.size() - droppedPending;
    if (inserted > 0) {
        const int first = int(rowCount);
        beginInsertRows(QModelIndex(), first, first + int(inserted) - 1);
        for (auto it = batch.begin() + qsizetype(droppedPending); it != batch.end(); ++it)
            m_rows.push_back(std::move(*it));
        endInsertRows();
    }
    // Hand the storage back to the queue: appending into a grown vector is what
    // keeps append() cheap. The cap in enqueue() bounds it.
    batch.clear();
    if (m_pending.empty())
        m_pending.swap(batch);

    if (droppedRows > 0) {
        beginRemoveRows(QModelIndex(), 0, int(droppedRows) - 1);
        m_rows.pop_front(droppedRows);
        endRemoveRows();
    }

    if (droppedRows + droppedPending > 0)
        emit trimmedRowsChanged(m_trimmedRows);
}

void TrafficLogModel::clear()
{
    Q_ASSERT(!m_flushing);
    m_flushTimer.stop();
    const bool hadTrimmedRows = m_trimmedRows != 0;
    beginResetModel();
    // Swap with empties to give the memory back, not only the elements.
    m_rows.clear();
    std::vector<TrafficEvent>().swap(m_pending);
    m_rowBytes = 0;
    m_pendingBytes = 0;
    m_trimmedRows = 0;
    endResetModel();

    if (hadTrimmedRows)
        emit trimmedRowsChanged(m_trimmedRows);
}

const TrafficEvent &TrafficLogModel::eventAt(int row) const
{
    Q_ASSERT(row >= 0 && size_t(row) < m_rows.size());
    return m_rows[size_t(row)];
}

void TrafficLogModel::setDisplayMode(DisplayMode mode)
{
    if (mode == m_displayMode)
        return;
    m_displayMode = mode;
    if (!m_rows.empty()) {
        emit dataChanged(index(0, Data),
                         index(rowCount() - 1, Data),
                         {Qt::DisplayRole, Qt::ToolTipRole});
    }
    emit displayModeChanged(m_displayMode);
}

void TrafficLogModel::setRowBudget(int rows)
{
    m_rowBudget = qMax(1, rows);
    flush();
}

void TrafficLogModel::setByteBudget(qint64 bytes)
{
    m_byteBudget = qMax<qint64>(0, bytes);
    flush();
}

QString TrafficLogModel::dataText(const TrafficEvent &event, int maxChars) const
{
    const auto withMessage = [&event](const QString &text) {
        return event.message.isEmpty() ? text : text + QStringLiteral(": ") + event.message;
    };

    switch (event.type) {
    case EventType::Sent:
    case EventType::Received:
        if (event.truncatedFrom >= 0) {
            // First, so that a long datagram's "…" never hides it.
            return tr("[datagram of %1 bytes cut to %2] ").arg(event.truncatedFrom).arg(event.size())
                   + payloadText(event, maxChars);
        }
        return payloadText(event, maxChars);
    case EventType::Listening:
        return event.kind == SessionKind::Udp ? tr("bound to %1").arg(event.local.toString())
                                              : tr("listening on %1").arg(event.local.toString());
    case EventType::Stopped:
        return withMessage(event.kind == SessionKind::Udp
                               ? tr("unbound from %1").arg(event.local.toString())
                               : tr("stopped listening on %1").arg(event.local.toString()));
    case EventType::Connecting:
        return tr("connecting to %1").arg(event.peer.toString());
    case EventType::Connected:
        return tr("connected to %1 from %2").arg(event.peer.toString(), event.local.toString());
    case EventType::Accepted:
        return tr("accepted %1").arg(event.peer.toString());
    case EventType::Eof:
        return tr("peer finished sending (FIN)");
    case EventType::Closed:
        if (event.closedBy == ClosedBy::Peer)
            return withMessage(event.reset ? tr("reset by peer (RST)") : tr("closed by peer"));
        if (event.closedBy == ClosedBy::Local)
            return withMessage(event.reset ? tr("aborted (RST sent)") : tr("closed"));
        return withMessage(event.reset ? tr("reset (RST)") : tr("closed"));
    case EventType::Error:
        return event.message.isEmpty() ? tr("error") : event.message;
    case EventType::Note:
        return event.message;
    }
    Q_UNREACHABLE();
    return QString();
}

// The one place that calls the payload codec.
QString TrafficLogModel::payloadText(const TrafficEvent &event, int maxChars) const
{
    return displayPayload(event.payload, m_displayMode, maxChars);
}
