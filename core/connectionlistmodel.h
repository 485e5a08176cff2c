#pragma once

#include <QAbstractTableModel>
#include <QTimer>

#include <vector>

class TcpConnection;

// The accepted-connection list of a TCP server: one row per connection (its own socket,
// returned by accept()), oldest first. Built for a class connecting at once and for
// floods: the connections accepted in one pass of the event loop are inserted together
// right after it, and counters are refreshed at most every RefreshIntervalMs with one
// dataChanged() over the changing columns, never per read.
class ConnectionListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        PeerColumn,
        StateColumn,
        SinceColumn,
        InColumn,
        OutColumn,
        ColumnCount
    };
    enum Role {
        ConnectionIdRole = Qt::UserRole + 1, // int
        IsOpenRole,                          // bool
    };
    static constexpr int RefreshIntervalMs = 100;

    explicit ConnectionListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    TcpConnection *connectionAt(int row) const;
    // The row of a connection id, or -1 (binary search: ids only grow).
    int rowOf(int connectionId) const;

    // The session's side: rows appear in batches; changes are coalesced.
    void addConnection(TcpConnection *connection);
    // One beginRemoveRows() per run of adjacent rows, not one per row.
    void removeConnections(const QList<TcpConnection *> &connections);
    void markChanged();
    // Applies what is batched now (tests, and before a removal).
    void flush();

private:
    void refresh();

    std::vector<TcpConnection *> m_rows;
    std::vector<TcpConnection *> m_pending;
    bool m_changed = false;
    QTimer m_insertTimer;  // 0 ms: a burst of accepts in one pass is one insert
    QTimer m_refreshTimer; // RefreshIntervalMs: counters repaint a few times a second
};
