#pragma once

#include "payloadcodec.h"
#include "trafficevent.h"

#include <QList>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWidget>

class QAction;
class QComboBox;
class QHBoxLayout;
class CountLabel;
class QModelIndex;
class QTableView;
class TrafficLogDelegate;
class TrafficLogFilter;
class TrafficLogModel;

// The received-data log: a table view on a session's TrafficLogModel (never a text edit
// that grows), one row per read, send or event. Its tool row switches the display
// (Python bytes / text / hex), clears, copies and exports; it follows new rows only
// while the user is at the bottom, and shows how many old rows the budget trimmed.
class TrafficLogView : public QWidget
{
    Q_OBJECT

public:
    explicit TrafficLogView(TrafficLogModel *model, QWidget *parent = nullptr);
    ~TrafficLogView() override;

    TrafficLogModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }

    // Presentation mode's strongest colours and bold traffic (see TrafficLogDelegate).
    void setHighContrast(bool on);
    bool highContrast() const;

    DisplayMode displayMode() const;
    void setDisplayMode(DisplayMode mode);
    // Only these connection ids (a TCP server's selection); empty = everything.
    void setConnectionFilter(const QSet<int> &connectionIds);

    // Extra controls for the tool row (a panel's filter chooser, say): at its start, in the
    // order added. The row takes ownership.
    void addToolWidget(QWidget *widget);
    // Extra actions for a row's context menu (a UDP panel's "Reply to sender").
    void addRowAction(QAction *action);
    // The event of the current row, if any.
    bool currentEvent(TrafficEvent *event) const;

    // Plain text of the selected rows (tab separated), as Copy puts on the clipboard.
    QString selectedRowsText() const;
    // Writes every row kept now as text (tab separated) or CSV; false + message on failure.
    // Like Copy, it writes what the view shows: the rows the connection filter lets through,
    // the visible columns, the payloads in full in the current display mode.
    bool exportTo(const QString &fileName, bool csv, QString *errorMessage) const;

    // What the tool row's buttons do, for a panel's menus.
    void copySelectedRows();
    void exportWithDialog();

signals:
    // Double-click or Enter on a row.
    void eventActivated(const TrafficEvent &event);
    void currentEventChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateTrimmedMarker();
    void scrollToBottomIfFollowing();
    void scheduleScrollIfFollowing();
    void keepPlaceAfterRemoval(int first, int last);
    void updateMetrics();
    void showContextMenu(const QPoint &position);
    void emitActivated(const QModelIndex &proxyIndex);
    QList<int> visibleColumns() const;
    QStringList rowFields(int proxyRow, const QList<int> &columns) const;

    TrafficLogModel *m_model = nullptr;
    TrafficLogFilter *m_filter = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_displayBox = nullptr;
    CountLabel *m_trimmedLabel = nullptr;
    QWidget *m_toolRow = nullptr;
    QHBoxLayout *m_toolLayout = nullptr;
    int m_toolWidgetCount = 0; // addToolWidget() inserts after the ones added before
    TrafficLogDelegate *m_delegate = nullptr;
    QAction *m_copyAction = nullptr;
    QList<QPointer<QAction>> m_rowActions; // owned by the panel; may go away first
    QTimer m_scrollTimer;
    bool m_following = true; // the user is at the bottom: new rows scroll into view
};
