using FsCheck;
using FsCheck.Xunit;
using MevDefense.Ingest.Scheduling;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class AffinitySchedulerTests
{
    [Theory]
    [InlineData("0-3,8-11", new[] { 0, 1, 2, 3, 8, 9, 10, 11 })]
    [InlineData("0", new[] { 0 })]
    [InlineData("5,1,1,3-4\n", new[] { 1, 3, 4, 5 })]
    [InlineData("", new int[0])]
    [InlineData(" \n", new int[0])]
    public void ParseCpuList_ValidLists(string text, int[] expected) =>
        Assert.Equal(expected, AffinityScheduler.ParseCpuList(text));

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1,,2")]
    [InlineData("-1")]
    [InlineData("0-")]
    [InlineData("1-2-3")]
    [InlineData("0-99999999")]
    public void ParseCpuList_Invalid_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => AffinityScheduler.ParseCpuList(text));

    [Property(MaxTest = 300)]
    public bool FormatThenParse_RoundTrips(byte[] cpus)
    {
        var set = (cpus ?? []).Select(c => (int)c).Distinct().Order().ToArray();
        return AffinityScheduler.ParseCpuList(AffinityScheduler.FormatCpuList(set)).SequenceEqual(set);
    }

    [Property(MaxTest = 300)]
    public bool ParseCpuList_AnyText_ListOrFormatException(string text)
    {
        try
        {
            AffinityScheduler.ParseCpuList(text ?? string.Empty);
            return true;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [Fact]
    public void NumaNodeOfNic_FromSysfsTree_SelectsNodeCpus()
    {
        var root = Directory.CreateTempSubdirectory("mevd-sysfs").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "class/net/eth9/device"));
            File.WriteAllText(Path.Combine(root, "class/net/eth9/device/numa_node"), "1\n");
            Directory.CreateDirectory(Path.Combine(root, "class/net/virt0/device"));
            File.WriteAllText(Path.Combine(root, "class/net/virt0/device/numa_node"), "-1\n");
            Directory.CreateDirectory(Path.Combine(root, "devices/system/node/node1"));
            File.WriteAllText(Path.Combine(root, "devices/system/node/node1/cpulist"), "4-5,12\n");

            Assert.Equal(1, AffinityScheduler.ReadNicNumaNode("eth9", root));
            Assert.Null(AffinityScheduler.ReadNicNumaNode("virt0", root));
            Assert.Null(AffinityScheduler.ReadNicNumaNode("missing", root));
            Assert.Null(AffinityScheduler.ReadNicNumaNode("../../etc", root));
            Assert.Equal([4, 5, 12], AffinityScheduler.ReadNodeCpus(1, root));
            Assert.Null(AffinityScheduler.ReadNodeCpus(7, root));

            var options = new AffinitySchedulerOptions { NetworkInterface = "eth9", SysfsRoot = root };
            Assert.Equal([4, 5, 12], new AffinityScheduler(options).Cpus);
            var explicitCpus = new AffinitySchedulerOptions { NetworkInterface = "eth9", SysfsRoot = root };
            explicitCpus.Cpus.Add(0);
            Assert.Equal([0], new AffinityScheduler(explicitCpus).Cpus);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [NumaSysfsFact]
    public void RealSysfs_NodeCpuListsParse()
    {
        var cpus = AffinityScheduler.ReadNodeCpus(0);
        Assert.NotNull(cpus);
        Assert.NotEmpty(cpus);
    }

    [LinuxFact]
    public void Start_PinnedToCpu0_ThreadRunsOnlyOnCpu0()
    {
        var options = new AffinitySchedulerOptions { PinThreads = true };
        options.Cpus.Add(0);
        var scheduler = new AffinityScheduler(options);
        Assert.True(scheduler.PinsThreads);
        IReadOnlyList<int>? seen = null;
        string? name = null;
        var thread = scheduler.Start("pin-test", () =>
        {
            seen = AffinityScheduler.GetCurrentThreadAffinity();
            name = Thread.CurrentThread.Name;
        });
        thread.Join();
        Assert.Equal([0], seen);
        Assert.Equal("MevDefense.Ingest:pin-test", name);
    }

    [Fact]
    public void TryPinCurrentThread_OutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>("cpu", () => AffinityScheduler.TryPinCurrentThread(-1, out _));
}
