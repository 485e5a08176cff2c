#include "trafficlogview.h"

#include "countlabel.h"
#include "monospacefont.h"
#include "trafficlogdelegate.h"
#include "trafficlogfilter.h"
#include "trafficlogmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <initializer_list>

namespace {

// Qt Creator's output pane waits this long before following new output: a flood of rows
// becomes one scroll per 10 ms instead of one per batch.
constexpr int ScrollDelayMs = 10;
// Space above and below the text of a row, in pixels.
constexpr int RowPadding = 4;
// Space either side of a cell's text, beyond the style's focus frame margin.
constexpr int CellPadding = 8;

// One field of a tab-separated line: a tab or line break inside it would shift the
// columns. Payloads never have them (every display mode makes them visible); messages
// might.
QString tabSeparatedField(QString field)
{
    for (const QChar c : {QChar(u'\t'), QChar(u'\r'), QChar(u'\n')})
        field.replace(c, u' ');
    return field;
}

// RFC 4180: every field quoted, quotes doubled, so commas, quotes and line breaks in
// received data keep their column.
QString csvField(const QString &field)
{
    QString quoted = field;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

} // namespace

TrafficLogView::TrafficLogView(TrafficLogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_scrollTimer(this) // a child too, so that tests and tools find it by name
{
    Q_ASSERT(model);

    m_filter = new TrafficLogFilter(this);
    m_filter->setSourceModel(m_model);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("trafficTable"));
    m_table->setModel(m_filter);
    m_delegate = new TrafficLogDelegate(m_table);
    m_table->setItemDelegate(m_delegate);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setCornerButtonEnabled(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    // Fixed row heights: the view never measures a row, so a million rows scroll as fast as
    // ten (STYLE.md, "The log model").
    QHeaderView *rows = m_table->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->hide();
    QHeaderView *columns = m_table->horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(true); // Data
    columns->setHighlightSections(false);
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->installEventFilter(this);

    m_displayBox = new QComboBox(this);
    m_displayBox->setObjectName(QStringLiteral("displayModeBox"));
    for (const DisplayMode mode : {DisplayMode::PythonBytes, DisplayMode::Text, DisplayMode::Hex})
        m_displayBox->addItem(displayModeName(mode), int(mode));
    m_displayBox->setCurrentIndex(m_displayBox->findData(int(m_model->displayMode())));
    m_displayBox->setToolTip(tr("How the bytes are shown:\n"
                                "Python bytes: as print(sock.recv(1024)) shows them, b'...'\n"
                                "Text: as data.decode() would give them, control characters "
                                "made visible\n"
                                "Hex: one two-digit number per byte"));
    auto displayLabel = new QLabel(tr("&Show:"), this);
    displayLabel->setBuddy(m_displayBox);
    displayLabel->setToolTip(m_displayBox->toolTip());

    auto clearAction = new QAction(tr("Clear"), this);
    clearAction->setToolTip(tr("Removes every row from the log. The connections stay open and "
                               "the byte counters keep counting."));
    m_copyAction = new QAction(tr("Copy"), this);
    // The shortcut is shown in the menu, and works only there: in the table, eventFilter()
    // handles Ctrl+C, so two logs in one window never make it ambiguous.
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetShortcut);
    m_copyAction->setToolTip(
        tr("Copies the selected rows as tab-separated text, the data in full (Ctrl+C)"));
    m_copyAction->setEnabled(false);
    auto exportAction = new QAction(tr("Export…"), this);
    exportAction->setToolTip(tr("Saves the rows shown as a CSV file (for a spreadsheet or "
                                "Python's csv module) or as tab-separated text"));

    const auto toolButton = [this](QAction *action, const QString &objectName) {
        auto button = new QToolButton(this);
        button->setObjectName(objectName);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        return button;
    };

    m_trimmedLabel = new CountLabel(this);
    m_trimmedLabel->setObjectName(QStringLiteral("trimmedLabel"));
    m_trimmedLabel->hide();

    m_toolRow = new QWidget(this);
    m_toolLayout = new QHBoxLayout(m_toolRow);
    m_toolLayout->setContentsMargins(0, 0, 0, 0);
    m_toolLayout->addWidget(displayLabel);
    m_toolLayout->addWidget(m_displayBox);
    m_toolLayout->addWidget(toolButton(clearAction, QStringLiteral("clearButton")));
    m_toolLayout->addWidget(toolButton(m_copyAction, QStringLiteral("copyButton")));
    m_toolLayout->addWidget(toolButton(exportAction, QStringLiteral("exportButton")));
    m_toolLayout->addStretch(1);
    m_toolLayout->addWidget(m_trimmedLabel);

    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_toolRow);
    layout->addWidget(m_table, 1);

    m_scrollTimer.setObjectName(QStringLiteral("scrollTimer"));
    m_scrollTimer.setSingleShot(true);
    m_scrollTimer.setInterval(ScrollDelayMs);
    connect(&m_scrollTimer, &QTimer::timeout, this, &TrafficLogView::scrollToBottomIfFollowing);

    // Following: the user's position decides, whatever moved the scroll bar (wheel, drag,
    // keys, Page Up). Inserted rows only change the range, never the value, so they keep
    // the state; our own scrollToBottom() lands on the maximum and keeps following.
    QScrollBar *scrollBar = m_table->verticalScrollBar();
    connect(scrollBar, &QScrollBar::valueChanged, this, [this, scrollBar](int value) {
        m_following = value >= scrollBar->maximum();
    });
    // New rows, a resize or the tab being shown change the range: follow again if the
    // user was at the bottom.
    connect(scrollBar, &QScrollBar::rangeChanged, this, &TrafficLogView::scheduleScrollIfFollowing);
    // A batch of rows at the end scrolls at once, not 10 ms later: the rows and the scroll
    // are then painted together, once (half the painting of a flood at a million rows).
    connect(m_filter,
            &QAbstractItemModel::rowsInserted,
            this,
            &TrafficLogView::scrollToBottomIfFollowing);
    connect(m_filter,
            &QAbstractItemModel::rowsRemoved,
            this,
            [this](const QModelIndex &, int first, int last) {
                keepPlaceAfterRemoval(first, last);
            });

    connect(m_displayBox, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setDisplayMode(DisplayMode(m_displayBox->currentData().toInt()));
    });
    connect(m_model, &TrafficLogModel::displayModeChanged, this, [this](DisplayMode mode) {
        m_displayBox->setCurrentIndex(m_displayBox->findData(int(mode)));
    });
    connect(m_model,
            &TrafficLogModel::trimmedRowsChanged,
            this,
            &TrafficLogView::updateTrimmedMarker);
    // clear() resets the count without necessarily a signal of its own.
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrafficLogView::updateTrimmedMarker);

    connect(clearAction, &QAction::triggered, this, [this] { m_model->clear(); });
    connect(m_copyAction, &QAction::triggered, this, &TrafficLogView::copySelectedRows);
    connect(exportAction, &QAction::triggered, this, &TrafficLogView::exportWithDialog);

    connect(m_table,
            &QTableView::customContextMenuRequested,
            this,
            &TrafficLogView::showContextMenu);
    connect(m_table, &QTableView::doubleClicked, this, &TrafficLogView::emitActivated);
    QItemSelectionModel *selection = m_table->selectionModel();
    connect(selection, &QItemSelectionModel::currentRowChanged, this, [this] {
        emit currentEventChanged();
    });
    connect(selection, &QItemSelectionModel::selectionChanged, this, [this, selection] {
        m_copyAction->setEnabled(selection->hasSelection());
    });
    // A reset (Clear, a new filter) drops the current row without currentRowChanged.
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this, selection] {
        m_copyAction->setEnabled(selection->hasSelection());
        emit currentEventChanged();
    });

    setFocusProxy(m_table);
    updateMetrics();
    updateTrimmedMarker();
}

TrafficLogView::~TrafficLogView()
{
    // ~QWidget hides the table after our members are gone, m_scrollTimer among them, and
    // hiding it changes the scroll range: the slots here must not run by then.
    disconnect(m_table->verticalScrollBar(), nullptr, this, nullptr);
}

DisplayMode TrafficLogView::displayMode() const
{
    return m_model->displayMode();
}

void TrafficLogView::setDisplayMode(DisplayMode mode)
{
    m_model->setDisplayMode(mode); // the combo follows displayModeChanged
}

void TrafficLogView::setConnectionFilter(const QSet<int> &connectionIds)
{
    m_filter->setConnections(connectionIds);
    scheduleScrollIfFollowing();
}

void TrafficLogView::addToolWidget(QWidget *widget)
{
    // Before the display chooser: a panel's filter reads first, as in the design sketch.
    m_toolLayout->insertWidget(m_toolWidgetCount++, widget);
}

void TrafficLogView::addRowAction(QAction *action)
{
    m_rowActions.append(action);
}

bool TrafficLogView::currentEvent(TrafficEvent *event) const
{
    const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
    if (!current.isValid())
        return false;
    if (event)
        *event = m_model->eventAt(current.row());
    return true;
}

QString TrafficLogView::selectedRowsText() const
{
    QModelIndexList selected = m_table->selectionModel()->selectedRows();
    // Selection order is click order; a copy reads top to bottom.
    std::sort(selected.begin(), selected.end(), [](const QModelIndex &a, const QModelIndex &b) {
        return a.row() < b.row();
    });
    const QList<int> columns = visibleColumns();
    QString text;
    for (const QModelIndex &index : std::as_const(selected)) {
        QStringList fields = rowFields(index.row(), columns);
        for (QString &field : fields)
            field = tabSeparatedField(field);
        text += fields.join(u'\t') + u'\n';
    }
    return text;
}

bool TrafficLogView::exportTo(const QString &fileName, bool csv, QString *errorMessage) const
{
    // Queued events are part of "every row kept now".
    m_model->flush();

    QSaveFile file(fileName);
    const auto fail = [&](const QString &reason) {
        if (errorMessage) {
            *errorMessage = tr("Could not export the log to %1: %2. Check that the folder "
                               "exists and that you may write to it.")
                                .arg(QDir::toNativeSeparators(fileName), reason);
        }
        return false;
    };
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());

    const QList<int> columns = visibleColumns();
    // CSV lines end in CRLF as RFC 4180 says; spreadsheets and Python's csv module read
    // both.
    const QString lineEnd = csv ? QStringLiteral("\r\n") : QStringLiteral("\n");
    const auto line = [&](QStringList fields) -> QString {
        for (QString &field : fields)
            field = csv ? csvField(field) : tabSeparatedField(field);
        return fields.join(csv ? u',' : u'\t') + lineEnd;
    };

    QStringList header;
    for (const int column : columns)
        header.append(
            m_model->headerData(column, Qt::Horizontal, Qt::AccessibleTextRole).toString());
    file.write(line(header).toUtf8());
    const int rowCount = m_filter->rowCount();
    for (int row = 0; row < rowCount; ++row)
        file.write(line(rowFields(row, columns)).toUtf8());

    if (!file.commit())
        return fail(file.errorString());
    return true;
}

void TrafficLogView::copySelectedRows()
{
    const QString text = selectedRowsText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void TrafficLogView::exportWithDialog()
{
    const QString csvFilter = tr("CSV for spreadsheets and Python (*.csv)");
    const QString textFilter = tr("Text, tab separated (*.txt)");
    QString selectedFilter = csvFilter;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString fileName = QFileDialog::getSaveFileName(this,
                                                    tr("Export Log"),
                                                    QDir(folder).filePath(tr("traffic-log.csv")),
                                                    csvFilter + QStringLiteral(";;") + textFilter,
                                                    &selectedFilter);
    if (fileName.isEmpty())
        return;

    // The suffix decides; without one, the chosen filter does and gives its suffix.
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    bool csv = selectedFilter != textFilter;
    if (suffix == QLatin1String("csv"))
        csv = true;
    else if (suffix == QLatin1String("txt") || suffix == QLatin1String("tsv"))
        csv = false;
    else if (suffix.isEmpty())
        fileName += csv ? QStringLiteral(".csv") : QStringLiteral(".txt");

    QString error;
    if (!exportTo(fileName, csv, &error))
        QMessageBox::warning(this, tr("Export Failed"), error);
}

bool TrafficLogView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_table)
        return QWidget::eventFilter(watched, event);

    const auto isOurs = [this](QKeyEvent *keyEvent) {
        const int key = keyEvent->key();
        return keyEvent->matches(QKeySequence::Copy)
               || ((key == Qt::Key_Return || key == Qt::Key_Enter)
                   && m_table->currentIndex().isValid());
    };
    if (event->type() == QEvent::ShortcutOverride) {
        // Claim Ctrl+C while the table has the focus: a window-wide Copy shortcut would
        // otherwise take it, or make it ambiguous so that nothing happens.
        auto keyEvent = static_cast<QKeyEvent *>(event);
        if (isOurs(keyEvent)) {
            event->accept();
            return true;
        }
    } else if (event->type() == QEvent::KeyPress) {
        auto keyEvent = static_cast<QKeyEvent *>(event);
        if (isOurs(keyEvent)) {
            // QTableView's own Ctrl+C would copy one cell only.
            if (keyEvent->matches(QKeySequence::Copy))
                copySelectedRows();
            else
                emitActivated(m_table->currentIndex());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void TrafficLogView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A bigger font for the projector: rows and columns grow with it.
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        updateMetrics();
}

void TrafficLogView::updateTrimmedMarker()
{
    const qint64 trimmed = m_model->trimmedRows();
    m_trimmedLabel->setVisible(trimmed > 0);
    if (trimmed <= 0)
        return;
    m_trimmedLabel->setCountText(
        trimmed == 1 ? tr("1 older row trimmed")
                     : tr("%1 older rows trimmed").arg(QLocale().toString(trimmed)));
    m_trimmedLabel->setToolTip(
        tr("The log keeps the newest %1 rows and at most %2 MiB of data, so a long session "
           "cannot fill the memory; older rows were removed. The byte counters still count "
           "everything.")
            .arg(QLocale().toString(m_model->rowBudget()),
                 QLocale().toString(m_model->byteBudget() / (1024 * 1024))));
}

void TrafficLogView::scrollToBottomIfFollowing()
{
    if (!m_following)
        return;
    m_table->scrollToBottom();
    m_scrollTimer.stop(); // started by the range change the scroll laid out: done
}

void TrafficLogView::scheduleScrollIfFollowing()
{
    // Not restarted while running: under a flood it would never fire.
    if (m_following && !m_scrollTimer.isActive())
        m_scrollTimer.start();
}

void TrafficLogView::keepPlaceAfterRemoval(int first, int last)
{
    // The row budget trims the oldest rows, at the top, up to 20 times a second. A view
    // keeps its scroll value, so without this the rows being read would slide up and away
    // under the reader.
    if (m_following) {
        // Like new rows: settle the scroll now, painted with the removal, rather than in
        // a second pass 10 ms later.
        scrollToBottomIfFollowing();
        return;
    }
    QScrollBar *scrollBar = m_table->verticalScrollBar();
    const bool perPixel = m_table->verticalScrollMode() == QAbstractItemView::ScrollPerPixel;
    const int rowHeight = qMax(1, m_table->verticalHeader()->defaultSectionSize());
    const int topRow = perPixel ? scrollBar->value() / rowHeight : scrollBar->value();
    // Only the removed rows above the top one move it; a removed top row leaves the next
    // one at the top.
    const int above = qMin(last, topRow - 1) - first + 1;
    if (above <= 0)
        return;
    scrollBar->setValue(scrollBar->value() - above * (perPixel ? rowHeight : 1));
}

void TrafficLogView::updateMetrics()
{
    const QFont font = m_table->font();
    const QFont dataFont = monospaceFontLike(font);
    m_delegate->setDataFont(dataFont);

    const QFontMetrics metrics(font);
    const QFontMetrics dataMetrics(dataFont);
    QHeaderView *rows = m_table->verticalHeader();
    rows->setMinimumSectionSize(1);
    rows->setDefaultSectionSize(qMax(metrics.height(), dataMetrics.height()) + RowPadding);

    // Sized once from the widest text each column can hold, not with ResizeToContents,
    // which would measure every row of a million-row log. The user can still drag them.
    QHeaderView *columns = m_table->horizontalHeader();
    const QFontMetrics headerMetrics(columns->font());
    const int cellMargin
        = 2 * (m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 1)
          + CellPadding;
    const int headerMargin = 2
                                 * m_table->style()->pixelMetric(QStyle::PM_HeaderMargin,
                                                                 nullptr,
                                                                 columns)
                             + CellPadding;
    const QLocale locale;
    const auto fit = [&](TrafficLogModel::Column column, const QString &widest) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        columns->resizeSection(column,
                               qMax(metrics.horizontalAdvance(widest) + cellMargin,
                                    headerMetrics.horizontalAdvance(title) + headerMargin));
    };
    fit(TrafficLogModel::Time, QStringLiteral("00:00:00.000"));
    fit(TrafficLogModel::Direction, QStringLiteral("→"));
    fit(TrafficLogModel::Connection, QStringLiteral("#0000"));
    fit(TrafficLogModel::Peer, QStringLiteral("255.255.255.255:65535"));
    fit(TrafficLogModel::Size, locale.toString(MaxRecvSize));
}

void TrafficLogView::showContextMenu(const QPoint &position)
{
    QMenu menu(this);
    menu.addAction(m_copyAction);
    bool separated = false;
    for (const QPointer<QAction> &action : std::as_const(m_rowActions)) {
        if (!action)
            continue;
        if (!separated) {
            menu.addSeparator();
            separated = true;
        }
        menu.addAction(action);
    }
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

void TrafficLogView::emitActivated(const QModelIndex &proxyIndex)
{
    const QModelIndex source = m_filter->mapToSource(proxyIndex);
    if (source.isValid())
        emit eventActivated(m_model->eventAt(source.row()));
}

QList<int> TrafficLogView::visibleColumns() const
{
    QList<int> columns;
    for (int column = 0; column < m_model->columnCount(); ++column) {
        if (!m_table->isColumnHidden(column))
            columns.append(column);
    }
    return columns;
}

QStringList TrafficLogView::rowFields(int proxyRow, const QList<int> &columns) const
{
    const int sourceRow = m_filter->mapToSource(m_filter->index(proxyRow, 0)).row();
    const TrafficEvent &event = m_model->eventAt(sourceRow);
    QStringList fields;
    fields.reserve(columns.size());
    for (const int column : columns) {
        if (column == TrafficLogModel::Data && carriesPayload(event.type)) {
            // The cell is cut to what a row can show; a copy or an export has it all.
            QString data = displayPayload(event.payload, m_model->displayMode());
            if (event.truncatedFrom >= 0) {
                data += u' '
                        + tr("(datagram of %1 bytes cut to %2)")
                              .arg(QString::number(event.truncatedFrom),
                                   QString::number(event.size()));
            }
            fields.append(data);
        } else {
            fields.append(m_model->index(sourceRow, column).data().toString());
        }
    }
    return fields;
}

void TrafficLogView::setHighContrast(bool on)
{
    m_delegate->setHighContrast(on);
    m_table->viewport()->update();
}

bool TrafficLogView::highContrast() const
{
    return m_delegate->highContrast();
}
