#include "trafficlogfilter.h"

#include "trafficlogmodel.h"

TrafficLogFilter::TrafficLogFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Rows are still filtered as they are inserted; only dataChanged is ignored.
    setDynamicSortFilter(false);
}

void TrafficLogFilter::setConnections(const QSet<int> &connections)
{
    if (connections == m_connections)
        return;
    m_connections = connections;
    invalidateFilter();
}

bool TrafficLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_connections.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return m_connections.contains(index.data(TrafficLogModel::ConnectionRole).toInt());
}
