#pragma once

#include <QSet>
#include <QSortFilterProxyModel>

// Shows the rows of a TrafficLogModel that belong to the selected connections.
//
// Compares TrafficLogModel::ConnectionRole as integers. A row's connection never changes,
// so the proxy does not re-filter on dataChanged (a display mode switch touches every
// row); the filter is invalidated only when the selection changes.
class TrafficLogFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TrafficLogFilter(QObject *parent = nullptr);

    // The connection ids to show; empty shows every row. Rows without a connection
    // (listening, errors of the session) have id 0: include 0 to keep them.
    void setConnections(const QSet<int> &connections);
    QSet<int> connections() const { return m_connections; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<int> m_connections;
};
