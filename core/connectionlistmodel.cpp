#include "connectionlistmodel.h"

#include "tcpconnection.h"

#include <QDateTime>

#include <algorithm>

ConnectionListModel::ConnectionListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_insertTimer.setSingleShot(true);
    m_insertTimer.setInterval(0);
    connect(&m_insertTimer, &QTimer::timeout, this, &ConnectionListModel::flush);
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(RefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ConnectionListModel::refresh);
}

int ConnectionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConnectionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TcpConnection *connection = m_rows[size_t(index.row())];
    switch (role) {
    case ConnectionIdRole:
        return connection->id();
    case IsOpenRole:
        return connection->state() != ConnectionState::Closed;
    case Qt::TextAlignmentRole:
        if (index.column() == InColumn || index.column() == OutColumn || index.column() == IdColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        return tr("accept() returned a new socket for this connection: %1 (local) ↔ %2 (peer).\n"
                  "%3 bytes in %4 reads, %5 bytes out in %6 sends.")
            .arg(connection->localAddress().toString(), connection->peerAddress().toString())
            .arg(connection->bytesReceived())
            .arg(connection->reads())
            .arg(connection->bytesSent())
            .arg(connection->sends());
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case IdColumn:
        return QString(QLatin1Char('#') + QString::number(connection->id()));
    case PeerColumn:
        return connection->peerAddress().toString();
    case StateColumn:
        return connection->stateText();
    case SinceColumn:
        return QDateTime::fromMSecsSinceEpoch(connection->connectedAt())
            .toString(QStringLiteral("hh:mm:ss"));
    case InColumn:
        return connection->bytesReceived();
    case OutColumn:
        return connection->bytesSent();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ConnectionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case IdColumn:
        return tr("#");
    case PeerColumn:
        return tr("Peer");
    case StateColumn:
        return tr("State");
    case SinceColumn:
        return tr("Since");
    case InColumn:
        return tr("Bytes in");
    case OutColumn:
        return tr("Bytes out");
    case ColumnCount:
        break;
    }
    return {};
}

TcpConnection *ConnectionListModel::connectionAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[size_t(row)] : nullptr;
}

int ConnectionListModel::rowOf(int connectionId) const
{
    const auto it = std::lower_bound(m_rows.begin(),
                                     m_rows.end(),
                                     connectionId,
                                     [](const TcpConnection *c, int id) { return c->id() < id; });
    if (it == m_rows.end() || (*it)->id() != connectionId)
        return -1;
    return int(it - m_rows.begin());
}

void ConnectionListModel::addConnection(TcpConnection *connection)
{
    m_pending.push_back(connection);
    if (!m_insertTimer.isActive())
        m_insertTimer.start();
}

void ConnectionListModel::removeConnections(const QList<TcpConnection *> &connections)
{
    flush();
    std::vector<int> rows;
    rows.reserve(size_t(connections.size()));
    for (const TcpConnection *connection : connections) {
        const int row = rowOf(connection->id());
        if (row >= 0)
            rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // From the last run to the first, so that the rows still to remove keep their numbers.
    auto end = rows.end();
    while (end != rows.begin()) {
        auto first = end - 1;
        while (first != rows.begin() && *(first - 1) == *first - 1)
            --first;
        beginRemoveRows(QModelIndex(), *first, *(end - 1));
        m_rows.erase(m_rows.begin() + *first, m_rows.begin() + *(end - 1) + 1);
        endRemoveRows();
        end = first;
    }
}

void ConnectionListModel::markChanged()
{
    m_changed = true;
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void ConnectionListModel::flush()
{
    if (m_pending.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(m_pending.size()) - 1);
    m_rows.insert(m_rows.end(), m_pending.begin(), m_pending.end());
    m_pending.clear();
    endInsertRows();
}

void ConnectionListModel::refresh()
{
    flush();
    if (m_changed && !m_rows.empty()) {
        m_changed = false;
        emit dataChanged(index(0, StateColumn),
                         index(int(m_rows.size()) - 1, OutColumn),
                         {Qt::DisplayRole, Qt::ToolTipRole, IsOpenRole});
    }
}
